"""Rule families: dag, srm, mirrorview, vsphere, network, backup, exchange."""
