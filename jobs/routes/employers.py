public = []
staff = []
api = []
staff_api = []
