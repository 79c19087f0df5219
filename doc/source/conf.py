# Sphinx configuration of Rintik's documentation.
# Build with: tox -e docs (sphinx-build -W: warnings are errors).

project = 'Rintik'
copyright = 'The Rintik developers'
author = 'The Rintik developers'

extensions = [
    # Configuration reference (show-options) and the sample file.
    'oslo_config.sphinxext',
    'oslo_config.sphinxconfiggen',
    # Policy reference (show-policy) and the sample policy file.
    'oslo_policy.sphinxext',
    'oslo_policy.sphinxpolicygen',
]

# Written into _static/ at every build, from the same generator files as
# "tox -e genconfig" and oslopolicy-sample-generator.
config_generator_config_file = '../../etc/rintik/rintik-config-generator.conf'
sample_config_basename = '_static/rintik'
policy_generator_config_file = '../../etc/rintik/rintik-policy-generator.conf'
sample_policy_basename = '_static/rintik'

master_doc = 'index'
source_suffix = {'.rst': 'restructuredtext'}
exclude_patterns = []
pygments_style = 'sphinx'
language = 'en'

html_theme = 'alabaster'
html_title = 'Rintik documentation'
html_static_path = ['_static']
