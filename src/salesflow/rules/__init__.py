"""Pure business rules: no database, no terminal, no clock, no I/O.

Every function takes what it needs (today, the calendar, the settings) as arguments and
returns plain values; invalid input raises ValueError with a message a user can act on.
The caller adds the name of the field.
"""
