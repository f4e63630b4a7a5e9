#!/usr/bin/python3
"""Writes the gRPC frame h2load sends for GetCustomer: the flag byte, the
big-endian length, then GetCustomerRequest{id} (field 1, varint).

    get_customer_frame.py <customer id> <output file>
"""
import struct
import sys

value, varint = int(sys.argv[1]), b""
while True:
    byte, value = value & 0x7F, value >> 7
    varint += bytes([byte | (0x80 if value else 0)])
    if not value:
        break
message = b"\x08" + varint
with open(sys.argv[2], "wb") as out:
    out.write(b"\x00" + struct.pack(">I", len(message)) + message)
