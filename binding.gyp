{
  # Built by tools/install.mjs (npm install / npm run build:addon), which sets
  # XLA_TS_PJRT_INCLUDE to the folder holding the PJRT C API header (.pjrt/include).
  "targets": [
    {
      "target_name": "xla_ts",
      "sources": [
        "native/addon.cc",
        "native/pjrt.cc",
        "native/client.cc",
        "native/buffer.cc",
        "native/executable.cc",
        "native/events.cc",
        "native/cores.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!(node -p \"process.env.XLA_TS_PJRT_INCLUDE || require('path').resolve('.pjrt/include')\")",
        "native"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_ADDON_API_DISABLE_DEPRECATED",
        "NAPI_CPP_EXCEPTIONS"
      ],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti", "-std=gnu++17", "-std=gnu++20"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers", "-O2"],
      "libraries": ["-ldl"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "MACOSX_DEPLOYMENT_TARGET": "11.0"
      }
    }
  ]
}
