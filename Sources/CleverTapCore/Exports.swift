// CleverTapCore: the tool's logic, with no UI. See the folders for each concern.
