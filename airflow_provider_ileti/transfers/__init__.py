"""From other systems to SMS: ``sql_to_sms.SqlToSmsOperator`` sends the rows of a query (``sql_source``)."""
