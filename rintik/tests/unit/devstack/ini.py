"""DevStack's iniset/iniget for the plugin tests: ``ini.py set FILE
SECTION OPTION VALUE`` and ``ini.py get FILE SECTION OPTION``."""

import configparser
import os
import sys


def _read(path):
    parser = configparser.ConfigParser(interpolation=None,
                                       default_section='no default section')
    parser.optionxform = str
    if os.path.exists(path):
        parser.read(path, encoding='utf-8')
    return parser


def main(action, path, section, option, value=None):
    parser = _read(path)
    if action == 'get':
        print(parser.get(section, option, fallback=''))
        return
    if not parser.has_section(section):
        parser.add_section(section)
    parser.set(section, option, value)
    with open(path, 'w', encoding='utf-8') as stream:
        parser.write(stream)


if __name__ == '__main__':
    main(*sys.argv[1:])
