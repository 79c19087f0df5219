"""E-mail and notification-centre bodies from Jinja2 templates.

``<event>.html`` / ``<event>.txt`` are used when they exist, else the
generic ``message.html`` / ``message.txt``. A file of the same name in
``[notification] template_dir`` overrides the packaged one."""

import functools

import jinja2

from rintik import conf as rintik_conf

HTML = 'html'
TEXT = 'txt'


@functools.lru_cache(maxsize=4)
def _environment(template_dir):
    loaders = [jinja2.PackageLoader('rintik.notify', 'templates')]
    if template_dir:
        loaders.insert(0, jinja2.FileSystemLoader(template_dir))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(enabled_extensions=(HTML,),
                                            default_for_string=False),
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True)


def render(event, kind, title, data, company=None):
    """The body of one notification: ``kind`` is HTML or TEXT."""
    environment = _environment(rintik_conf.CONF.notification.template_dir)
    template = environment.select_template(
        ['%s.%s' % (event, kind), 'message.%s' % kind])
    return template.render(title=title, data=data, company=company or {})
