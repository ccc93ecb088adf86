"""Reports: charts as SVG, exports as CSV and XLSX (later PDF and ICS). Pure functions over plain data."""
