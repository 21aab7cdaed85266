import streamlit as st

st.title('sample_blend')
st.info('This page is being built.')
