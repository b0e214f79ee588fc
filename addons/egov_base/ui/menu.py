"""Menu registry of the staff backend. Areas and apps register modules in their ``registrations.py``::

    from egov_base.ui.menu import register_menu, MenuItem
    register_menu("content", _("内容发布"), "ti ti-news", 60, items=[
        MenuItem(_("文章管理"), "egov_base:article_manage_list", perm="egov_base.view_article"),
        MenuItem(_("字典"), url="/dictionary/", roles=["sysadmin"], order=20),
    ])

Registering an existing key again adds the items to that module. Items whose URL name does not resolve (an
area not installed yet) are hidden. A module without any visible item is hidden.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse


@dataclass
class MenuItem:
    label: object
    url_name: str | None = None
    perm: str | list | tuple | None = None
    roles: list | tuple | None = None
    order: int = 0
    url: str | None = None
    icon: str = ""
    key: str = ""

    def __post_init__(self):
        # "url_name or url": a value with a slash is a literal URL
        if self.url_name and "/" in self.url_name and self.url is None:
            self.url, self.url_name = self.url_name, None

    def resolve(self) -> str | None:
        if self.url:
            return self.url
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return None

    def visible_to(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return False
        if self.perm:
            perms = [self.perm] if isinstance(self.perm, str) else list(self.perm)
            if not user.has_perms(perms):
                return False
        if self.roles:
            has_role = getattr(user, "has_role", None)
            if has_role is None or not has_role(*self.roles):
                return False
        return True


@dataclass
class MenuModule:
    key: str
    label: object
    icon: str = "ti ti-apps"
    order: int = 100
    items: list[MenuItem] = field(default_factory=list)


_REGISTRY: dict[str, MenuModule] = {}


def register_menu(key: str, label, icon: str = "ti ti-apps", order: int = 100, items=()) -> MenuModule:
    module = _REGISTRY.get(key)
    if module is None:
        module = _REGISTRY[key] = MenuModule(key=key, label=label, icon=icon, order=order)
    for item in items or ():
        if not any(i.label == item.label and i.url_name == item.url_name and i.url == item.url for i in module.items):
            module.items.append(item)
    return module


def unregister_menu(key: str) -> None:
    _REGISTRY.pop(key, None)


def registry() -> dict[str, MenuModule]:
    return dict(_REGISTRY)


def _is_active(url: str, path: str) -> bool:
    if url == "/":
        return path == "/"
    return path == url or path.startswith(url.rstrip("/") + "/")


def menu_for(user, path: str = "") -> list[dict]:
    """Modules and items ``user`` may see, ordered; the item with the longest URL matching ``path`` is
    active (and its module expanded)."""
    modules = []
    best = None
    for module in sorted(_REGISTRY.values(), key=lambda m: (m.order, m.key)):
        items = []
        for item in sorted(module.items, key=lambda i: i.order):
            if not item.visible_to(user):
                continue
            url = item.resolve()
            if url is None:
                continue
            entry = {"label": item.label, "url": url, "icon": item.icon, "active": False}
            items.append(entry)
            if path and _is_active(url, path) and (best is None or len(url) > len(best[0]["url"])):
                best = (entry, module.key)
        if items:
            modules.append({"key": module.key, "label": module.label, "icon": module.icon, "items": items,
                            "active": False})
    if best is not None:
        best[0]["active"] = True
        for m in modules:
            if m["key"] == best[1]:
                m["active"] = True
    return modules
