"""Email through a transactional outbox: a row first, sent later by `flask send-mail`."""
