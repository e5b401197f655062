"""The shipped docxtpl templates (a data package: the .docx files beside this file)."""
