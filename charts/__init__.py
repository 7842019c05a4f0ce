"""Every Altair/Pillow chart builder: data in, chart out; no Streamlit."""
