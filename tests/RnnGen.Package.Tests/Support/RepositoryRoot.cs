namespace RnnGen.Package.Tests.Support;

/// <summary>The repository this test assembly was built from.</summary>
internal static class RepositoryRoot
{
    /// <summary>The nearest folder above the test assembly that holds RnnGen.sln.</summary>
    public static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "RnnGen.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds RnnGen.sln.");
    }
}
