#!/usr/bin/env python3
"""VLAN tagging by the kernel without the 8021q module: a tc BPF program calls the kernel's
bpf_skb_vlan_push / bpf_skb_vlan_pop helpers (the same code path as tc's vlan action).

  pcap-vlan-tc.py NS DEV push PROTO:VID [PROTO:VID]   egress: push tags, innermost first
                                                     (PROTO 8021q, 8021ad or 9100)
  pcap-vlan-tc.py NS DEV pop                          ingress: pop up to two tags
The eBPF instructions are assembled here (a handful), loaded with the bpf() syscall, pinned in a
temporary bpffs for tc to pick up, and unpinned again (the filter keeps the program alive).
"""
import ctypes
import os
import struct
import subprocess
import sys
import tempfile

NR_BPF = 321  # x86_64
BPF_PROG_LOAD, BPF_OBJ_PIN = 5, 6
BPF_PROG_TYPE_SCHED_CLS = 3
HELPER_VLAN_PUSH, HELPER_VLAN_POP = 18, 19
TPID = {'8021q': 0x8100, '8021ad': 0x88A8, '9100': 0x9100}
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def insn(op, dst=0, src=0, off=0, imm=0):
    return struct.pack('<BBhi', op, (src << 4) | dst, off, imm)


def mov_reg(dst, src):
    return insn(0xBF, dst, src)


def mov_imm(dst, imm):
    return insn(0xB7, dst, imm=imm)


def call(helper):
    return insn(0x85, imm=helper)


def program(args):
    code = [mov_reg(6, 1)]  # r6 = skb (r1..r5 are clobbered by calls)
    if args[0] == 'push':
        for spec in args[1:]:
            proto, vid = spec.split(':')
            tpid = TPID[proto]
            be = ((tpid & 0xFF) << 8) | (tpid >> 8)  # the helper takes the TPID as __be16
            code += [mov_reg(1, 6), mov_imm(2, be), mov_imm(3, int(vid)), call(HELPER_VLAN_PUSH)]
    else:
        code += [mov_reg(1, 6), call(HELPER_VLAN_POP)] * 2
    code += [mov_imm(0, 0), insn(0x95)]  # return TC_ACT_OK
    return b''.join(code)


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr + b'\0' * (144 - len(attr)))
    r = libc.syscall(NR_BPF, cmd, buf, 144)
    if r < 0:
        raise OSError(ctypes.get_errno(), f'bpf({cmd})')
    return r


def main(ns, dev, *args):
    insns = ctypes.create_string_buffer(program(args))
    lic = ctypes.create_string_buffer(b'GPL')
    log = ctypes.create_string_buffer(65536)
    fd = bpf(BPF_PROG_LOAD, struct.pack('<IIQQIIQII16s', BPF_PROG_TYPE_SCHED_CLS, len(insns.raw) // 8,
                                        ctypes.addressof(insns), ctypes.addressof(lic), 1, len(log),
                                        ctypes.addressof(log), 0, 0, b'bwfx_vlan'))
    mnt = tempfile.mkdtemp(prefix='bwfx-bpffs-')
    subprocess.run(['mount', '-t', 'bpf', 'bpf', mnt], check=True)
    try:
        path = ctypes.create_string_buffer(f'{mnt}/prog'.encode())
        bpf(BPF_OBJ_PIN, struct.pack('<QII', ctypes.addressof(path), fd, 0))
        run = ['ip', 'netns', 'exec', ns, 'tc']
        subprocess.run(run + ['qdisc', 'replace', 'dev', dev, 'clsact'], check=True)
        where = 'egress' if args[0] == 'push' else 'ingress'
        subprocess.run(run + ['filter', 'add', 'dev', dev, where, 'bpf', 'direct-action', 'object-pinned',
                              f'{mnt}/prog'], check=True)
    finally:
        subprocess.run(['umount', mnt], check=True)
        os.rmdir(mnt)


if __name__ == '__main__':
    main(*sys.argv[1:])
