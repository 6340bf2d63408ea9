"""What a site is by what it holds, whatever role it states."""

from __future__ import annotations

from designer.domain.elements import EsxiHost, FileShareWitness, Site
from designer.domain.facets import is_exchange
from designer.domain.index import DesignIndex

__all__ = ["witnesses_only"]


def witnesses_only(site: Site, index: DesignIndex) -> list[str]:
    """The names of the file share witnesses ``site`` holds when it holds witnesses and
    no Exchange server nor users (a witness site, whatever role it states: a new site's
    default is Production); else ``[]``. A witness is where its server runs (its VM's
    host's site), else where it states, as the rules and the simulator place it. The
    review's inventory names such a site the same way (``ReviewData._witness_sites``).

    Examples
    --------
    >>> from designer.domain import Design, VirtualMachine
    >>> hfd = Site(id="s", name="Hartford")
    >>> elements = [hfd, EsxiHost(id="h", name="esx01", site="s"),
    ...     VirtualMachine(id="v", name="HFD-FS01", host="h"),
    ...     FileShareWitness(id="w", name="DAG01 witness", site="s", vm="v")]
    >>> witnesses_only(hfd, DesignIndex(Design(elements=elements)))
    ['DAG01 witness']
    >>> elements.append(VirtualMachine(id="m", name="MBX01", host="h", roles=["mailbox"]))
    >>> witnesses_only(hfd, DesignIndex(Design(elements=elements)))
    []
    """
    if site.users:
        return []
    held = [
        w.name
        for w in index.of("file_share_witness", FileShareWitness)
        if ((index.site_of(w.vm) if w.vm else None) or w.site) == site.id
    ]
    if not held:
        return []
    vms_on_host = index.vms_on_host
    # (The hosts scanned, not grouped by site: a group is kept up to date at every edit
    # once made, and this is asked only of a site with witnesses and no users.)
    for host in index.of("esxi_host", EsxiHost):
        if host.site == site.id and any(map(is_exchange, vms_on_host.get(host.id, ()))):
            return []
    return held
