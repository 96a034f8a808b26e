# gnuplot script written by bench/run.sh; run it from this folder: gnuplot 2026-11-29-6.gp
set terminal pngcairo size 1100,460 font "sans,10"
set output '2026-11-29-6.png'
set datafile missing '?'
set multiplot layout 1,2 title "iris-classifier through worker replicas vs bare Kestrel echo, one-row body (2026-11-29, 2 cores shared with wrk)"
set logscale x 2
set xrange [0.666667:192]
set xtics (1, 8, 32, 128)
set xlabel 'concurrency (wrk -c)'
set grid
set key top left
set title 'throughput'
set ylabel 'requests per second'
set yrange [0:*]
plot '2026-11-29-6.dat' using 1:2 with linespoints lw 2 pt 7 title 'echo', \
     '' using 1:3 with linespoints lw 2 pt 5 title 'node (iris-classifier)'
set title 'p99 latency'
set ylabel 'p99 (ms)'
set logscale y 10
set yrange [*:*]
plot '2026-11-29-6.dat' using 1:6 with linespoints lw 2 pt 7 title 'echo', \
     '' using 1:7 with linespoints lw 2 pt 5 title 'node (iris-classifier)'
unset multiplot
