{
  "targets": [
    {
      "target_name": "proc_connector",
      "sources": ["proc_connector.c", "young_sockets.c", "fd_scan.c", "sock_dump.c", "render_rows.c", "row_text.c", "holder_sets.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "libraries": ["-lpthread"]
    }
  ]
}
