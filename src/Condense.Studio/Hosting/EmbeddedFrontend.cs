using System.Collections.Frozen;
using System.Reflection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.StaticFiles;

namespace Condense.Studio.Hosting;

/// <summary>
/// Serves the front end that the build embedded in this assembly. A request path is only ever
/// a key into a fixed dictionary of resource names: it never reaches the file system.
/// </summary>
internal sealed class EmbeddedFrontend
{
    const string Prefix = "wwwroot/";
    readonly FrozenDictionary<string, (byte[] Bytes, string ContentType, string ETag)> assets;

    public EmbeddedFrontend()
    {
        var assembly = typeof(EmbeddedFrontend).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var map = new Dictionary<string, (byte[], string, string)>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            var path = "/" + name[Prefix.Length..].Replace('\\', '/');
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var bytes = memory.ToArray();
            if (!types.TryGetContentType(path, out var type)) type = "application/octet-stream";
            var etag = "\"" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16] + "\"";
            map[path] = (bytes, type, etag);
        }
        assets = map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>True when the build embedded a front end (index.html).</summary>
    public bool HasIndex => assets.ContainsKey("/index.html");

    public async Task<bool> TryServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path == "/") path = "/index.html";
        if (!assets.TryGetValue(path, out var asset)) return false;
        var response = context.Response;
        response.ContentType = asset.ContentType;
        response.Headers.ETag = asset.ETag;
        // Hashed file names under /assets/ never change content; index.html must be revalidated.
        response.Headers.CacheControl = path.StartsWith("/assets/", StringComparison.Ordinal)
            ? "public, max-age=31536000, immutable"
            : "no-cache";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return true;
        }
        response.ContentLength = asset.Bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await response.Body.WriteAsync(asset.Bytes, context.RequestAborted);
        return true;
    }
}
