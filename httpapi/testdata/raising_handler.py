"""A SIP media application handler that always raises: a function error."""


def handler(event, context):
    raise RuntimeError("the handler is broken")
