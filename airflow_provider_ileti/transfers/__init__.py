"""From other systems to SMS: ``sql_to_sms.SqlToSmsOperator`` sends the rows of a query (``sql_source``);
``shards.split_csv`` cuts a large CSV source into stable shards for a mapped ``SendSmsOperator``."""
