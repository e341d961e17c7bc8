using System.CommandLine;
using Condense.Studio;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense studio [--port 5000]</c>: the interactive explanations in a local web app.
/// Listens on 127.0.0.1 unless <c>--host</c> names another address, prints the URL, and runs
/// until Ctrl+C.
/// </summary>
public static class StudioCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "TCP port (0 picks a free one).", DefaultValueFactory = _ => 5000 };
        var host = new Option<string>("--host")
        {
            Description = "Address to listen on. The default, 127.0.0.1, keeps the Studio private to this machine.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "Largest upload accepted, in MiB (larger ones get 413).", DefaultValueFactory = _ => 256 };
        var cache = new Option<string?>("--cache") { Description = "Folder for the Studio's trained models (default ~/.cache/condense/studio)." };
        var command = new Command("studio", "Open the Condense Studio: interactive, live explanations of compression.")
        {
            port, host, maxUpload, cache,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new StudioOptions
            {
                Port = parse.GetValue(port),
                Host = parse.GetValue(host)!,
                MaxUploadBytes = (long)parse.GetValue(maxUpload) * 1024 * 1024,
                CacheDirectory = parse.GetValue(cache),
            };
            var output = parse.InvocationConfiguration.Output;
            await StudioHost.RunAsync(options, url =>
            {
                output.WriteLine($"Condense Studio: {url}");
                output.WriteLine("Press Ctrl+C to stop.");
            }, cancellationToken);
            return 0;
        });
        return command;
    }
}
