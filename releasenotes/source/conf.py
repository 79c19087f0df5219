# Sphinx configuration of Rintik's release notes.
# Build with: sphinx-build -W -b html releasenotes/source releasenotes/build/html

extensions = ['reno.sphinxext']

project = 'Rintik Release Notes'
copyright = 'The Rintik developers'
author = 'The Rintik developers'

master_doc = 'index'
source_suffix = '.rst'
exclude_patterns = []
pygments_style = 'sphinx'
language = 'en'

# The release notes describe what is released: no version in the title.
version = ''
release = ''

html_theme = 'alabaster'
html_static_path = []
