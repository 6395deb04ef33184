"""Network plans: where a provider puts the neutral placement's replicas.

The placement (``tiered.placement.plan``) says which replicas run in which zone and what they
do; a network plan says which subnet and address each one has. Each provider has its own:

* ``aws``: the VPC with a subnet per tier and zone, NAT gateways, RDS subnet groups;
* ``onprem``: racks as zones with a subnet each, and the entry segment of the VRRP pair.

Both carve with ``carving`` (subnet sizes and positions) and ``addressing`` (each compute
service's address block). A new target (a second region, Kubernetes, another cloud) adds a
module here and its exporters; the analysis reads only the placement.
"""
