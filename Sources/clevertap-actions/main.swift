print("clevertap-actions")
