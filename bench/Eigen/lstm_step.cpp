// A C++ yardstick for RnnGen's streaming LSTM step: one step of LSTM(28→32) and LSTM(28→128), batch 1, float32, on
// Eigen's fixed-size matrices, in two ways a C++ developer using Eigen would write it:
//   - by gate: each gate's bias, + U·h, + W·x, with a matrix per gate, as RTNeural's compile-time LSTM layer does;
//   - stacked: the four gates' rows in one matrix for x and one for h (PyTorch's layout), one product each.
// Sigmoid is 1 / (exp(-x) + 1) on Eigen's vectorized exp, tanh is Eigen's. Each step is a call (noinline), as
// RnnGen's Step is. Prints the median and the 10th percentile of the mean time per step over blocks of 1,000 steps.
//
//   g++ -std=c++17 -O3 -march=native -DNDEBUG -DEIGEN_STACK_ALLOCATION_LIMIT=0 -I/usr/include/eigen3 -o lstm_step lstm_step.cpp
//   ./lstm_step            # or taskset -c 0 ./lstm_step, to stay on one vCPU
#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <vector>

template <int H>
using Vec = Eigen::Matrix<float, H, 1>;

template <typename Derived>
static auto Sigmoid(const Eigen::MatrixBase<Derived>& x)
{
    return (1.0f / ((-x.array()).exp() + 1.0f)).matrix();
}

template <typename M>
static void FillUniform(M& m, std::mt19937& rng, float bound)
{
    std::uniform_real_distribution<float> uniform(-bound, bound);
    for (int r = 0; r < m.rows(); r++)
        for (int k = 0; k < m.cols(); k++)
            m(r, k) = uniform(rng);
}

template <int In, int H>
struct ByGate
{
    Eigen::Matrix<float, H, In> wi, wf, wg, wo;
    Eigen::Matrix<float, H, H> ui, uf, ug, uo;
    Vec<H> bi, bf, bg, bo, i, f, g, o, c, h;

    explicit ByGate(std::mt19937& rng)
    {
        float bound = 1.0f / std::sqrt((float)H);
        for (auto* m : {&wi, &wf, &wg, &wo}) FillUniform(*m, rng, bound);
        for (auto* m : {&ui, &uf, &ug, &uo}) FillUniform(*m, rng, bound);
        for (auto* b : {&bi, &bf, &bg, &bo}) FillUniform(*b, rng, bound);
        c.setZero();
        h.setZero();
    }

    __attribute__((noinline)) void Step(const Vec<In>& x)
    {
        i.noalias() = bi; i.noalias() += ui * h; i.noalias() += wi * x;
        f.noalias() = bf; f.noalias() += uf * h; f.noalias() += wf * x;
        o.noalias() = bo; o.noalias() += uo * h; o.noalias() += wo * x;
        i = Sigmoid(i);
        f = Sigmoid(f);
        o = Sigmoid(o);
        g.noalias() = bg; g.noalias() += ug * h; g.noalias() += wg * x;
        g = g.array().tanh().matrix();
        c = f.cwiseProduct(c) + i.cwiseProduct(g);
        h = o.cwiseProduct(c.array().tanh().matrix());
    }
};

template <int In, int H>
struct Stacked
{
    Eigen::Matrix<float, 4 * H, In> w;
    Eigen::Matrix<float, 4 * H, H> u;
    Eigen::Matrix<float, 4 * H, 1> b, gates;
    Vec<H> c, h;

    explicit Stacked(std::mt19937& rng)
    {
        float bound = 1.0f / std::sqrt((float)H);
        FillUniform(w, rng, bound);
        FillUniform(u, rng, bound);
        FillUniform(b, rng, bound);
        c.setZero();
        h.setZero();
    }

    __attribute__((noinline)) void Step(const Vec<In>& x)
    {
        gates.noalias() = b;
        gates.noalias() += u * h;
        gates.noalias() += w * x;
        Vec<H> i = Sigmoid(gates.template segment<H>(0));
        Vec<H> f = Sigmoid(gates.template segment<H>(H));
        Vec<H> g = gates.template segment<H>(2 * H).array().tanh().matrix();
        Vec<H> o = Sigmoid(gates.template segment<H>(3 * H));
        c = f.cwiseProduct(c) + i.cwiseProduct(g);
        h = o.cwiseProduct(c.array().tanh().matrix());
    }
};

template <typename Lstm, int In>
static void Time(const char* name, int blocks)
{
    std::mt19937 rng(7);
    auto lstm = std::make_unique<Lstm>(rng); // the 128-unit matrices are too large for the stack; C++17 aligns it
    Vec<In> x;
    for (int k = 0; k < In; k++) x(k) = std::sin(0.3f * k);
    std::vector<double> ns;
    for (int block = 0; block < blocks; block++)
    {
        auto start = std::chrono::steady_clock::now();
        for (int s = 0; s < 1000; s++) lstm->Step(x);
        auto end = std::chrono::steady_clock::now();
        if (block >= blocks / 5) ns.push_back(std::chrono::duration<double, std::nano>(end - start).count() / 1000);
    }
    std::sort(ns.begin(), ns.end());
    std::printf("%-30s median %8.1f ns, 10th percentile %8.1f ns (h[0] %.5f)\n", name, ns[ns.size() / 2], ns[ns.size() / 10], lstm->h(0));
}

int main(int argc, char** argv)
{
    int blocks = std::max(argc > 1 ? std::atoi(argv[1]) : 3000, 50); // the 128-unit cases time a tenth as many
    Time<ByGate<28, 32>, 28>("LSTM(28->32) by gate", blocks);
    Time<Stacked<28, 32>, 28>("LSTM(28->32) stacked", blocks);
    Time<ByGate<28, 128>, 28>("LSTM(28->128) by gate", blocks / 10);
    Time<Stacked<28, 128>, 28>("LSTM(28->128) stacked", blocks / 10);
}
