-- One unit's names, for an answer that says whose incidents it counts (a department handler's figures).
SELECT code, name, name_en FROM unit WHERE code = $1
