"""DR Designer's data files, installed as the package ``designer.resources``.

``catalog/`` vendor limits and timings with their sources, ``icons/`` the element and
application icons, ``desktop/`` the .desktop entry and MIME type for Linux desktops.
Read them through :mod:`designer.bundled`, never by a path relative to the code.
"""
