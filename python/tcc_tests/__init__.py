"""tcc's end-to-end test drivers (run by CTest; see test/CMakeLists.txt)."""
