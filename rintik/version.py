"""The installed version of Rintik."""

import pbr.version

version_info = pbr.version.VersionInfo('rintik')
