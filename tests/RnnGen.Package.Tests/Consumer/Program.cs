// A new user's program: the model's code comes from the package's source generator, its kernels from the package's runtime.
foreach (string line in PackageConsumer.PackagedModelReport.Lines())
{
    Console.WriteLine(line);
}
