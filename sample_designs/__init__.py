"""The bundled sample designs, installed as the package ``designer.sample_designs``
(only the ``*.json`` files ship; ``build_samples.py`` regenerates them)."""
