"""Identity and authority evidence that residents upload with a request.

``inspection`` decides what an upload is from its content and refuses what is unsafe or
unusable; what is kept is encrypted by ``portal.encryption`` (``crypto`` names it here).
Neither imports Flask: the web layer turns a ``RejectionReason`` into a message and stores
the encrypted ``CleanFile``.
"""
