"""The one error type of the importers: names the model node (its name and op type) at fault."""


class GraphImportError(Exception):
    """A model that cannot be imported: the message names the node (name and op type) or the file."""

    @classmethod
    def at(cls, node_name, op_type, message):
        return cls(f"node '{node_name}' ({op_type}): {message}")
