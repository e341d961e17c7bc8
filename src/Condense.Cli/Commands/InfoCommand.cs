using System.CommandLine;
using Condense.Formats;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary><c>condense info</c>: what a file holds (tensors, dtypes, shapes, sizes, metadata).</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A model file: .safetensors, .onnx, .csparse or .cdz (recognised by its bytes when renamed)" };
        var json = CliConsole.JsonOption();
        var command = new Command("info", "List the tensors, dtypes, shapes, sizes and metadata of a file.") { file, json };
        InputShapeOption.Add(command);
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file)!;
            switch (ModelFiles.FormatOf(path))
            {
                case ModelFileFormat.Onnx: return OnnxInfo.Run(parse, path, parse.GetValue(json), InputShapeOption.Parse(parse));
                case ModelFileFormat.Csparse: return CompressedInfo.Sparse(parse, path, parse.GetValue(json));
                case ModelFileFormat.Cdz: return CompressedInfo.DeepCompression(parse, path, parse.GetValue(json));
            }
            using var reader = SafetensorsReader.Open(path);
            var total = reader.Entries.Sum(e => e.ByteLength);
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, new
                {
                    file = path,
                    format = "safetensors",
                    bytes = new FileInfo(path).Length,
                    tensors = reader.Entries.Select(e => new { name = e.Name, dtype = e.DType.ToSafetensorsName(), shape = e.Shape, bytes = e.ByteLength }),
                    metadata = reader.Metadata,
                });
                return 0;
            }
            var console = CliConsole.For(parse);
            var table = new Table().AddColumns("tensor", "dtype", "shape", "elements", "bytes");
            foreach (var e in reader.Entries)
                table.AddRow(Markup.Escape(e.Name), e.DType.ToSafetensorsName(), Markup.Escape($"[{string.Join(", ", e.Shape)}]"), e.ElementCount.ToString("N0"), e.ByteLength.ToString("N0"));
            console.Write(table);
            console.WriteLine($"{path}: safetensors, {reader.Entries.Count} tensors, {total:N0} bytes of data, {new FileInfo(path).Length:N0} bytes in all");
            foreach (var (k, v) in reader.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                console.WriteLine($"  {k} = {v}");
            return 0;
        });
        return command;
    }
}
