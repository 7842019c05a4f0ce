"""Per-lesson computations and "what to notice" facts: pure functions over sim that
return numbers and message keys; no Streamlit, no Altair."""
