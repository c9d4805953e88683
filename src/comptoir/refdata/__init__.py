"""refdata"""
