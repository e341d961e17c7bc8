using System.Net;
using Condense.Studio.Hosting;
using Condense.Studio.Pages;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Condense.Studio;

/// <summary>
/// Starts the Studio: Kestrel on one address (loopback by default), the JSON endpoints each
/// page calls, and the embedded front end. The CLI's <c>condense studio</c> calls
/// <see cref="RunAsync"/>; tests call <see cref="StartAsync"/> with port 0.
/// </summary>
public static class StudioHost
{
    /// <summary>Builds the application without starting it.</summary>
    public static WebApplication Build(StudioOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(StudioHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Parse(options.Host), options.Port);
            kestrel.Limits.MaxRequestBodySize = options.MaxUploadBytes;
            kestrel.AddServerHeader = false;
        });
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<ResultCache>();
        builder.Services.AddSingleton<UploadStore>();
        builder.Services.AddSingleton<UploadFolders>();
        builder.Services.AddSingleton<EmbeddedFrontend>();
        StudioPages.AddServices(builder.Services, options);

        var app = builder.Build();
        app.UseMiddleware<ErrorMiddleware>();
        var frontend = app.Services.GetRequiredService<EmbeddedFrontend>();
        app.Use(async (context, next) =>
        {
            if (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            {
                var path = context.Request.Path.Value ?? "/";
                if (!path.StartsWith("/api/", StringComparison.Ordinal) && await frontend.TryServeAsync(context)) return;
            }
            await next(context);
        });
        StudioPages.MapEndpoints(app);
        return app;
    }

    /// <summary>Starts the Studio and returns it with the URL it listens on.</summary>
    public static async Task<(WebApplication App, Uri Url)> StartAsync(StudioOptions options, CancellationToken cancellationToken = default)
    {
        var app = Build(options);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new CondenseException($"studio: cannot listen on {options.Host}:{options.Port}: {ex.Message}", ex);
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal) + "/"));
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (Ctrl+C in the CLI).</summary>
    public static async Task RunAsync(StudioOptions options, Action<Uri> onListening, CancellationToken cancellationToken)
    {
        var (app, url) = await StartAsync(options, cancellationToken);
        await using (app)
        {
            onListening(url);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException) { }
            await app.StopAsync(CancellationToken.None);
        }
    }
}
