#!/bin/bash
# A/B on the 16 cores: build/ab/convt1d_base (a3bcdf8) vs build/convt1d (general nest's channels in chunks of 32)
for r in 1 2 3 4; do
  for sh in kb64_cpu kb74_cpu grouped_cpu kb79_cpu; do
    for b in build/ab/convt1d_base build/convt1d; do
      for mode in "" "--layer"; do
        t=$($b run --shape $sh --device cpu --threads 16 --reps 30 $mode | grep -oE "time [0-9.]+ ms" | awk '{print $2}')
        echo "$sh $b ${mode:-call} $t"
      done
    done
  done
done > $OUT/ab.txt
awk '{k=$1" "$2" "$3; a[k]=a[k]" "$4} END{for(k in a) print k, a[k]}' $OUT/ab.txt | sort
