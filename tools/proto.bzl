"""zhiyuan_cc_proto: .proto files → one C++ library with messages, gRPC stubs and gMock stubs.

The protobuf and gRPC Bazel repositories cannot be fetched offline, so Debian's /usr/bin/protoc
and /usr/bin/grpc_cpp_plugin run in a genrule. Call it from the BUILD file at the import root
(`proto/BUILD`): import paths are the `srcs` paths, and generated headers are included the same way
("zhiyuan/v1/server_info.pb.h"). Imports also resolve against /usr/include (well-known types) and
/usr/share/grpc-proto (Debian's grpc-proto: grpc.health.v1 and friends).
"""

_SUFFIXES = [".pb.cc", ".pb.h", ".grpc.pb.cc", ".grpc.pb.h", "_mock.grpc.pb.h"]

def zhiyuan_cc_proto(name, srcs, system_root = None, deps = [], visibility = None):
    """Generates and compiles C++ for `srcs`.

    Args:
      name: the cc_library's name.
      srcs: .proto files, relative to this package, which is their import root; or, with
        `system_root`, import paths of protos installed under that directory.
      system_root: for protos that a Debian package installs, e.g. "/usr/share/grpc-proto".
      deps: other zhiyuan_cc_proto libraries whose protos these import.
      visibility: of the cc_library.
    """
    outs = [src[:-len(".proto")] + suffix for src in srcs for suffix in _SUFFIXES]
    out_dir = "$(GENDIR)/" + native.package_name()
    native.genrule(
        name = name + "_gen",
        srcs = [] if system_root else srcs,
        outs = outs,
        cmd = " ".join([
            "/usr/bin/protoc",
            "--proto_path=" + (system_root or native.package_name()),
            "--proto_path=/usr/include",
            "--proto_path=/usr/share/grpc-proto",
            "--cpp_out=" + out_dir,
            "--grpc_out=generate_mock_code=true:" + out_dir,
            "--plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin",
        ] + [
            system_root + "/" + src if system_root else "$(location %s)" % src
            for src in srcs
        ]),
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        # -isystem: generated code is not held to our warning flags.
        includes = ["."],
        deps = deps + [
            "//third_party:grpc",
            "//third_party:protobuf",
        ],
        visibility = visibility,
    )
