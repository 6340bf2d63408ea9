"""The reference pages of ``docs/`` that ship with the program, installed as the package
``designer.docs``: the rule catalogue (SARIF ``helpUri`` links point at it), the file
format and its JSON Schema."""
