# Sphinx configuration of Rintik's documentation.
# Build with: sphinx-build -W -b html doc/source doc/build/html

project = 'Rintik'
copyright = 'The Rintik developers'
author = 'The Rintik developers'

extensions = []

master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = []
pygments_style = 'sphinx'
language = 'en'

html_theme = 'alabaster'
html_title = 'Rintik documentation'
html_static_path = []
