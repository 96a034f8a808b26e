using Modelplane.Testing.Gguf;

// Writes a tiny random-weight llama GGUF (1 layer, ChatML template, ~0.5 MB) to the path given, default ./tiny.gguf.
// It loads and generates on llama.cpp like any GGUF, so registration, serving, streaming, seeds, stop sequences and
// json_schema can be tried without downloading a model; its text is gibberish.
var path = Path.GetFullPath(args.Length > 0 ? args[0] : "tiny.gguf");
TinyGguf.Write(path);
Console.WriteLine($"{path} ({new FileInfo(path).Length:N0} bytes)");
