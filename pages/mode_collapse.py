import streamlit as st

st.title('mode_collapse')
st.info('This page is being built.')
