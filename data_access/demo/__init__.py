"""The demo data set: real GOV.UK Performance Platform figures plus labelled illustrative ones."""
