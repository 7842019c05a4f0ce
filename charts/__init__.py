"""Every Altair/Pillow chart builder: data in, chart out; no Streamlit."""

from charts import schema_converter

schema_converter.use()
