"""national"""
