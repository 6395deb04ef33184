"""The built-in software kinds, one module each: a subclass of ``tiered.software.base.Kind``.

Add a kind by writing one module here and registering it (``tiered.software.registry``);
a kind ships in a package of its own just as well, registered in the entry-point group
``tiered.software`` of that package.
"""
