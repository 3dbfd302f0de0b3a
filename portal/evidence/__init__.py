"""Identity and authority evidence that residents upload with a request.

``inspection`` decides what an upload is from its content and refuses what is unsafe or
unusable, handing images to ``images`` (decoded within a pixel budget, encoded again) and
PDFs to ``pdfs`` (byte checks, then ``pdf_structure`` run by pikepdf in a budgeted child
process); what is kept is encrypted by ``portal.encryption``.
None imports Flask: the web layer turns a ``RejectionReason`` into a message and stores the
encrypted ``CleanFile``.
"""
