-- A message may go to a work-chat group instead of by e-mail: channel is
-- '' for e-mail, else the chat target it is posted to ("chat:edu:0", the
-- first chat of department edu; "chat:coordinators:0"). link is the page
-- a chat message points to (the department's page), shown after its text
-- even when the text is cut to the platform's size limit.
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN link TEXT NOT NULL DEFAULT '';
